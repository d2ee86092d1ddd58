{{ staged_accounts('zendesk_agents', key='id', key_alias='agent_id', name_field='name', email_field='email',
                   text_fields={'role': 'role'}, flag_fields={'active': 'is_active'}) }}
