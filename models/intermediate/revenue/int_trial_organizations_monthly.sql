-- Section 3, adjustment 2 inputs: one row per organization flagged in the CRM as a
-- trial and month of the flag, start to end inclusive (no end = still on trial, up
-- to the reporting month), with the customer it is consolidated into. The trial
-- adjustment removes this organization's own revenue only, not its customer's.

with

trials as (
    select * from {{ ref('stg_crm__trials') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

trial_months as (
    select distinct
        trials.organization_id as trial_organization_id,
        organizations_consolidated.consolidated_organization_id as organization_id,
        months.month
    from trials
    inner join organizations_consolidated
        on trials.organization_id = organizations_consolidated.organization_id
    inner join months
        on
            cast({{ dbt.date_trunc('month', 'trials.start_month') }} as date) <= months.month
            and (
                trials.end_month is null
                or cast({{ dbt.date_trunc('month', 'trials.end_month') }} as date) >= months.month
            )
)

select * from trial_months
