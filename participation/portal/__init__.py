"""/beteiligung/: every consultation of the city and region, bundled (list, map, calendar, processes,
feeds, subscriptions)."""
