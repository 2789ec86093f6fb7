-- The benchmark's cases, varied (python -m tests.bench.bench_sweep --varied): held conversations, check-ins,
-- expectations of return, corrections, submitted questionnaires, standby, fast track, conversation requests,
-- earlier closed cases and live handovers with other reasons. The plain data has 364 distinct sets of facts,
-- which flatters the sweep's memo; this has about 19,000 in 100,000 cases.
UPDATE sick_case SET expectations = json_build_array(json_build_object('party','citizen','given_on',(first_absence_day+3)::text,'expected_return',(first_absence_day + (id % 70))::text)) WHERE id % 11 = 0;
UPDATE sick_case SET expectations = json_build_array(json_build_object('party','employer','given_on',(first_absence_day+2)::text,'expected_return',null), json_build_object('party','citizen','given_on',(first_absence_day+9)::text,'expected_return',(first_absence_day + 200)::text)) WHERE id % 11 = 5;
UPDATE sick_case SET corrections = json_build_array(json_build_object('code','first_conversation','for_date',(first_absence_day+55)::text,'kind','waive','decided_on',(first_absence_day+10)::text,'reason','x','by','cw')) WHERE id % 13 = 0;
UPDATE sick_case SET corrections = json_build_array(json_build_object('code','reassessment','for_date',(first_absence_day+153)::text,'kind','move','decided_on',(first_absence_day+10)::text,'reason','y','by','cw','new_date',(first_absence_day+170)::text)) WHERE id % 13 = 6;
UPDATE sick_case SET questionnaire_submitted_on = questionnaire_sent_on + (id % 12) WHERE id % 6 = 0;
UPDATE questionnaire SET status = 'submitted' WHERE case_id % 6 = 0 AND case_id % 12 <> 6;
UPDATE sick_case SET standby_since = first_absence_day + 20 WHERE id % 17 = 0;
UPDATE sick_case SET conversation_requested_on = first_absence_day + 15 WHERE id % 19 = 0;
UPDATE sick_case SET employer_fast_track_asked_on = first_absence_day + 5 WHERE id % 23 = 0;
UPDATE sick_case SET employer_fast_track_answered_on = first_absence_day + 6 WHERE id % 46 = 0;
UPDATE sick_case SET fast_track_requested_on = first_absence_day + 7 WHERE id % 29 = 0;
UPDATE sick_case SET employer_absence_conversation_on = first_absence_day + 20 WHERE id % 3 = 0;
UPDATE sick_case SET plan_stalled_on = first_absence_day + 40 WHERE id % 31 = 0;
UPDATE sick_case SET follow_up_plan_made_on = first_absence_day + 80 WHERE id % 62 = 0;
UPDATE sick_case SET employment = 'self_employed' WHERE id % 37 = 0;
UPDATE sick_case SET status = 'closed', closed_on = first_absence_day + 10 WHERE id % 41 = 0;
INSERT INTO conversation (case_id, municipality_code, scheduled_at, form, status, held_on, outcome, booked_by, created_at)
  SELECT id, municipality_code, now(), 'phone', 'held', first_absence_day + 35, CASE WHEN id % 2 = 0 THEN 'jobcenter' ELSE 'self_service' END, 'cw', now()
  FROM sick_case WHERE id % 7 = 0;
INSERT INTO conversation (case_id, municipality_code, scheduled_at, form, status, held_on, outcome, booked_by, created_at)
  SELECT id, municipality_code, now(), 'phone', 'held', first_absence_day + 80, 'jobcenter', 'cw', now()
  FROM sick_case WHERE id % 14 = 0;
INSERT INTO check_in (case_id, due_on, answered_on, answers)
  SELECT id, first_absence_day + 42, first_absence_day + 44, '{}' FROM sick_case WHERE id % 5 = 0;
INSERT INTO sick_case (citizen_id, municipality_code, status, first_absence_day, employment, absence_kind, reported_on, reported_by, closed_on, recovered_on, created_at, updated_at, expectations, corrections)
  SELECT citizen_id, municipality_code, 'closed', first_absence_day - 120, 'employed', 'full', first_absence_day - 120, 'citizen', first_absence_day - 60, first_absence_day - 70, now(), now(), '[]', '[]'
  FROM sick_case WHERE id % 8 = 0 AND status = 'open';
INSERT INTO handover (case_id, municipality_code, status, due, reasons, reason_codes, created_at, updated_at)
  SELECT id, municipality_code, CASE WHEN id % 8 = 4 THEN 'claimed' ELSE 'open' END, first_absence_day + 55, '[]', CASE WHEN id % 3 = 0 THEN '|first_conversation_due|' ELSE '|reassessment_due|' END, now(), now()
  FROM sick_case WHERE id % 4 = 0 AND status = 'open';
ANALYZE;
