{{ staged_accounts('pagerduty_users', key='id', key_alias='user_id', name_field='name', email_field='email') }}
