"""Citizens' optional accounts (django-allauth): my contributions, notifications, export and deletion of
one's own data; the Trialog's verified roles."""
