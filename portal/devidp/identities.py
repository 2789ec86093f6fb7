"""The test identities of the bundled provider. Every person is fictitious.

CPR numbers are substitute numbers (erstatningspersonnumre): the day of birth plus 60, a range no
real person's CPR number uses. CVR numbers pass the modulus-11 check and the companies are made up.

Claims (flat names; the portal maps them by configuration, see portal/config.py):
  sub                stable subject id
  name               full name
  role               citizen | employer | caseworker
  cpr                citizens only: the CPR number (10 digits)
  cvr, org_name      employers: the company's CVR number and name
  municipality       caseworkers: the municipality code (e.g. 101)
  municipality_name  caseworkers: the municipality's name
"""
from __future__ import annotations

IDENTITIES: list[dict] = [
    {"sub": "citizen-lise", "role": "citizen", "name": "Lise Testesen", "cpr": "6105904321"},
    {"sub": "citizen-ahmed", "role": "citizen", "name": "Ahmed Prøvesen", "cpr": "7203854312"},
    {"sub": "citizen-bo", "role": "citizen", "name": "Bo Eksempel", "cpr": "8511774323"},
    {"sub": "employer-hanne", "role": "employer", "name": "Hanne Arbejdsgiver",
     "cvr": "12345674", "org_name": "Testbageriet ApS"},
    {"sub": "employer-jens", "role": "employer", "name": "Jens Virksomhed",
     "cvr": "12345682", "org_name": "Prøvefabrikken A/S"},
    {"sub": "caseworker-mette", "role": "caseworker", "name": "Mette Sagsbehandler",
     "municipality": "101", "municipality_name": "København"},
    {"sub": "caseworker-karsten", "role": "caseworker", "name": "Karsten Sagsbehandler",
     "municipality": "751", "municipality_name": "Aarhus"},
    {"sub": "caseworker-sofie", "role": "caseworker", "name": "Sofie Kollega",
     "municipality": "101", "municipality_name": "København"},
]

BY_SUB = {identity["sub"]: identity for identity in IDENTITIES}
ROLE_TITLES = {"citizen": "Borgere (MitID) / Citizens", "employer": "Arbejdsgivere (MitID Erhverv) / Employers",
               "caseworker": "Sagsbehandlere / Caseworkers"}
