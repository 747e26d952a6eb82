"""The planners' back office for measures, their budget lines (/planung/massnahmen/) and the strategy tree
(/planung/strategie/): pages over measures.services."""
