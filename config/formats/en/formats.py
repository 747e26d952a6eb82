# English pages write a date day-first and in full, as the German ones do: "7 October 2026" (Django's
# "en" would write "Oct. 7, 2026"), and times on the 24-hour clock.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
