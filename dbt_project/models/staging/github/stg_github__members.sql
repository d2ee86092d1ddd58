-- GitHub logins are case-insensitive: lower-cased, so joins across models match.
{{ staged_accounts('github_members', key='login', name_field='name', email_field='email',
                   key_expression='lower(trim(login))', text_fields={'organization': 'organization'}) }}
