"""What an organisation admin (组织管理员) changes, within their subtree and journalled: people,
their roles and accounts; organisations; the regions' 低保 standards and hardship parameters;
the year's holiday schedule. The pages are workflows/administration/."""
