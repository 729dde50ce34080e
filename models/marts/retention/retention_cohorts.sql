with

cohort_retention as (
    select * from {{ ref('int_cohort_retention_aggregated_to_months') }}
),

published as (
    select
        cohort_month,
        months_since_start,
        cohort_label,
        cohort_grain,
        cohort_size,
        active_customers,
        starting_mrr_usd,
        mrr_usd,
        capped_mrr_usd,
        ndr,
        gdr,
        logo_retention,
        includes_provisional_month,
        {{ mrr_to_arr('starting_mrr_usd') }} as starting_arr_usd,
        {{ mrr_to_arr('mrr_usd') }} as arr_usd,
        {{ mrr_to_arr('capped_mrr_usd') }} as capped_arr_usd
    from cohort_retention
)

select * from published
