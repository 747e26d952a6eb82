"""The public transparency pages: measures (/massnahmen/), the strategy (/strategie/), feeds, and what
became of each contribution. In planning because they read across measures and participation."""
