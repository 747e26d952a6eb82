"""The back office of the format (planners; moderators where it moderates)."""
