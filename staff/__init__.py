"""Staff accounts: which cities a staff member works for (``Membership``), invitations, the staff
management pages and ``manage.py staff``. Below measures, participation and planning (their services
ask ``staff.scope`` whether a user may act in a city), above quartiere (a membership names a city)."""
