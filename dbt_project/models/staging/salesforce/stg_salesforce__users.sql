{{ staged_accounts('salesforce_users', key='id', key_alias='user_id', name_field='Name', email_field='Email') }}
