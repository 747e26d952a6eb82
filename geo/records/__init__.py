"""The kit for versioned, audited records (measures, budget lines, focus areas and what comes next):
each app declares its record and its rules; the kit does the rest, the same way for every one.

- ``geo.records.services``: ``audited_save``, ``versioned_update``, ``versioned_delete`` — version
  check under a row lock, field assignment, the audit user, one historical record per write.
- ``geo.records.history``: ``history_trail`` — the audit trail as planners and as the public see it.
- ``geo.records.api``: ``RecordViewSet`` — GeoJSON in and out, ETag/If-Match (``geo.etag``), history.
- ``geo.records.admin``: ``RecordAdminForm`` and ``RecordAdmin`` — the admin writes through the services.

The kit works on django-simple-history's records and knows no app's models (``geo`` imports none)."""
