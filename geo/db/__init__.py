"""The database engine of the service: PostGIS (GeoDjango's backend) with a cheaper health check.

``settings.DATABASES["default"]["ENGINE"] = "geo.db"``; see ``geo.db.base``.
"""
