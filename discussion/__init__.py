"""Moderated comments under contributions, measures and consultations: one level of replies, flags, staff
answers marked as official."""
