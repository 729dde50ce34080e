-- Section 6: every customer's cohort, the month (or, with var cohort_grain = 'quarter',
-- the calendar quarter) of its NEW month, the first month with adjusted MRR > 0.
-- cohort_month is the first month of the cohort's period; starting MRR is the customer's
-- adjusted MRR in its own NEW month (its month 0), also in a quarterly cohort.

{%- set cohort_grain = var('cohort_grain') %}
{%- if cohort_grain not in ['month', 'quarter'] %}
    {{ exceptions.raise_compiler_error("var cohort_grain must be 'month' or 'quarter', not '" ~ cohort_grain ~ "'") }}
{%- endif %}

with

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

new_customer_months as (
    select
        organization_id,
        month as first_paid_month,
        mrr_usd as starting_mrr_usd
    from customer_lifecycle_stages
    where stage = 'NEW'
),

assigned as (
    select
        organization_id,
        first_paid_month,
        starting_mrr_usd,
        '{{ cohort_grain }}' as cohort_grain,
        cast({{ dbt.date_trunc(cohort_grain, 'first_paid_month') }} as date) as cohort_month
    from new_customer_months
),

date_parts as (
    select
        *,
        cast(extract(year from cohort_month) as {{ dbt.type_string() }}) as cohort_year,
        cast(extract(quarter from cohort_month) as {{ dbt.type_string() }}) as cohort_quarter_number,
        right(concat('0', cast(extract(month from cohort_month) as {{ dbt.type_string() }})), 2) as cohort_month_number
    from assigned
),

labelled as (
    select
        organization_id,
        first_paid_month,
        starting_mrr_usd,
        cohort_grain,
        cohort_month,
        case
            when cohort_grain = 'quarter' then concat(cohort_year, '-Q', cohort_quarter_number)
            else concat(cohort_year, '-', cohort_month_number)
        end as cohort_label
    from date_parts
)

select * from labelled
