"""The trainer's tools on top of cohorts and learning: the cohort page with its matrix and charts, reminders,
quiz item analysis and the course preview. This package reads learning records, so it sits above `learning`
(which itself builds on `cohorts`)."""
