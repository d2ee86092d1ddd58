{%- set fields = {
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
} -%}
with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('bamboohr_employees') }}

),

renamed as (

    select
        id as employee_id,
        nullif(trim({{ json_field(fields, 'employeeNumber') }}), '') as employee_number,
        nullif(trim({{ json_field(fields, 'firstName') }}), '') as first_name,
        nullif(trim({{ json_field(fields, 'lastName') }}), '') as last_name,
        coalesce(
            nullif(trim({{ json_field(fields, 'displayName') }}), ''),
            nullif(trim(concat_ws(' ', {{ json_field(fields, 'firstName') }}, {{ json_field(fields, 'lastName') }})), '')
        ) as full_name,
        nullif(lower(trim({{ json_field(fields, 'workEmail') }})), '') as work_email,
        nullif(trim({{ json_field(fields, 'department') }}), '') as department,
        nullif(trim({{ json_field(fields, 'jobTitle') }}), '') as job_title,
        nullif(trim({{ json_field(fields, 'location') }}), '') as location,
        -- "0000-00-00" and "" are not dates, so from_json already made them null.
        {{ json_field(fields, 'hireDate') }} as hire_date,
        {{ json_field(fields, 'terminationDate') }} as termination_date,
        nullif(trim({{ json_field(fields, 'status') }}), '') as employment_status,
        trim({{ json_field(fields, 'status') }}) = 'Active' as is_active,
        nullif(trim({{ json_field(fields, 'supervisorEId') }}), '') as manager_id,
        nullif(trim({{ json_field(fields, 'gender') }}), '') as gender,
        -- Money and flags arrive read by the connector (sources/hris_values.py): "85000.00 USD" is
        -- {amount: 85000.00, currency: USD}; the values as sent are kept in payload.asSent.
        {{ json_field(fields, 'payRate.amount') }} as salary,
        {{ json_field(fields, 'payRate.currency') }} as pay_currency,
        nullif(trim({{ json_field(fields, 'payType') }}), '') as pay_type,
        nullif(trim({{ json_field(fields, 'level') }}), '') as level,
        {{ json_field(fields, 'payRangeMin.amount') }} as pay_range_min,
        {{ json_field(fields, 'payRangeMidpoint.amount') }} as pay_range_midpoint,
        {{ json_field(fields, 'payRangeMax.amount') }} as pay_range_max,
        case
            when {{ json_field(fields, 'terminationDate') }} is not null
                then {{ json_field(fields, 'regrettableTermination') }}
        end as is_regrettable_termination,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'employee_id', 'loaded_at desc') }}

)

select * from deduplicated
