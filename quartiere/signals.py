from django.dispatch import Signal

# Sent inside the import transaction with ``area_ids`` whose geometry or parent may have changed,
# so that the apps linking their geometry to areas can recompute those links.
areas_changed = Signal()
