"""组织管理: the organisation admin's pages (people and roles, organisations, funds, 低保 standards
and hardship parameters, holiday schedules), mounted at /orgadmin/ by workflows/site.py."""
