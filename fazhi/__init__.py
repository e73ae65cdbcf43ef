"""法治 Fazhi: rule-of-law administration for a county or district health bureau."""
