"""The participatory budget (Bürgerhaushalt): proposals with a place and a cost estimate, feasibility
check, voting within the budget, results, winners as measures."""
