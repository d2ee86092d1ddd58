{{ staged_accounts('jira_users', key='account_id', name_field='displayName', email_field='emailAddress',
                   flag_fields={'active': 'is_active'}) }}
