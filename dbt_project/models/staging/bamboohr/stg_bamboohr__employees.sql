with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "employeeNumber": "VARCHAR",
            "firstName": "VARCHAR",
            "lastName": "VARCHAR",
            "displayName": "VARCHAR",
            "workEmail": "VARCHAR",
            "department": "VARCHAR",
            "jobTitle": "VARCHAR",
            "location": "VARCHAR",
            "hireDate": "DATE",
            "terminationDate": "DATE",
            "status": "VARCHAR",
            "supervisorEId": "VARCHAR",
            "gender": "VARCHAR",
            "payRate": {"amount": "DECIMAL(18,2)", "currency": "VARCHAR"},
            "payType": "VARCHAR",
            "level": "VARCHAR",
            "payRangeMin": {"amount": "DECIMAL(18,2)"},
            "payRangeMidpoint": {"amount": "DECIMAL(18,2)"},
            "payRangeMax": {"amount": "DECIMAL(18,2)"},
            "regrettableTermination": "BOOLEAN"
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('bamboohr_employees') }}

),

renamed as (

    select
        id as employee_id,
        nullif(trim(record.employeeNumber), '') as employee_number,
        nullif(trim(record.firstName), '') as first_name,
        nullif(trim(record.lastName), '') as last_name,
        coalesce(
            nullif(trim(record.displayName), ''),
            nullif(trim(concat_ws(' ', record.firstName, record.lastName)), '')
        ) as full_name,
        nullif(lower(trim(record.workEmail)), '') as work_email,
        nullif(trim(record.department), '') as department,
        nullif(trim(record.jobTitle), '') as job_title,
        nullif(trim(record.location), '') as location,
        -- "0000-00-00" and "" are not dates, so from_json already made them null.
        record.hireDate as hire_date,
        record.terminationDate as termination_date,
        nullif(trim(record.status), '') as employment_status,
        trim(record.status) = 'Active' as is_active,
        nullif(trim(record.supervisorEId), '') as manager_id,
        nullif(trim(record.gender), '') as gender,
        -- Money and flags arrive read by the connector (sources/hris_values.py): "85000.00 USD" is
        -- {amount: 85000.00, currency: USD}; the values as sent are kept in payload.asSent.
        record.payRate.amount as salary,
        record.payRate.currency as pay_currency,
        nullif(trim(record.payType), '') as pay_type,
        nullif(trim(record.level), '') as level,
        record.payRangeMin.amount as pay_range_min,
        record.payRangeMidpoint.amount as pay_range_midpoint,
        record.payRangeMax.amount as pay_range_max,
        case
            when record.terminationDate is not null
                then record.regrettableTermination
        end as is_regrettable_termination,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by employee_id order by loaded_at desc) = 1

)

select * from deduplicated
