-- Section 3, adjustment 2 (after consolidation): a customer flagged in the CRM as a
-- trial (evaluating with intent to self-host or leave) has its revenue set to 0 for
-- the flagged months, start to end inclusive (no end = still on trial).

with

customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
),

trials as (
    select * from {{ ref('stg_crm__trials') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

trial_months as (
    select distinct
        customer_months.organization_id,
        customer_months.month
    from trials
    inner join organizations_consolidated
        on trials.organization_id = organizations_consolidated.organization_id
    inner join customer_months
        on
            organizations_consolidated.consolidated_organization_id = customer_months.organization_id
            and trials.start_month <= customer_months.month
            and (trials.end_month is null or trials.end_month >= customer_months.month)
),

adjusted as (
    select
        customer_months.organization_id,
        customer_months.month,
        customer_months.is_newest_month,
        customer_months.mrr_usd as mrr_before_usd,
        trial_months.month is not null as is_trial_month,
        case
            when trial_months.month is not null then cast(0 as decimal(18, 2))
            else customer_months.mrr_usd
        end as mrr_after_usd
    from customer_months
    left join trial_months
        on
            customer_months.organization_id = trial_months.organization_id
            and customer_months.month = trial_months.month
)

select * from adjusted
