-- Section 3, adjustment 2 (after consolidation and constant currency): an organization flagged in the CRM
-- as a trial (evaluating with intent to self-host or leave) has its own revenue
-- removed for the flagged months. Only the flagged organization's revenue goes: a
-- customer keeps the revenue of its other organizations (a parent paying 10,000 whose
-- child team trials for 3,000 stays at 10,000). The removal is taken per source
-- organization, from what its own accounts contributed to the month, before it is
-- rolled into the customer, at the reporting month's rate as the step before it (constant
-- currency); the audit trail still shows consolidation first, and this step starts from
-- the constant-currency step's output.

{%- set string_type = dbt.type_string() %}

with

after_constant_currency as (
    select * from {{ ref('int_mrr_adjusted_for_constant_currency') }}
),

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

trial_organizations_monthly as (
    select * from {{ ref('int_trial_organizations_monthly') }}
),

trial_revenue as (
    select
        invoices_attributed.organization_id,
        invoices_attributed.month,
        sum(invoices_attributed.constant_mrr_usd) as trial_mrr_usd
    from invoices_attributed
    inner join trial_organizations_monthly
        on
            invoices_attributed.source_organization_id = trial_organizations_monthly.trial_organization_id
            and invoices_attributed.month = trial_organizations_monthly.month
    group by invoices_attributed.organization_id, invoices_attributed.month
),

flagged_organizations as (
    select
        organization_id,
        month,
        {{ dbt.listagg(
            "trial_organization_id",
            "', '",
            "order by trial_organization_id",
        ) }} as trial_organization_ids
    from trial_organizations_monthly
    group by organization_id, month
),

adjusted as (
    select
        after_constant_currency.organization_id,
        after_constant_currency.month,
        after_constant_currency.is_newest_month,
        after_constant_currency.mrr_after_usd as mrr_before_usd,
        flagged_organizations.month is not null as is_trial_month,
        flagged_organizations.trial_organization_ids,
        cast(coalesce(trial_revenue.trial_mrr_usd, 0) as decimal(18, 2)) as trial_mrr_usd,
        cast(
            after_constant_currency.mrr_after_usd - coalesce(trial_revenue.trial_mrr_usd, 0) as decimal(18, 2)
        ) as mrr_after_usd
    from after_constant_currency
    left join flagged_organizations
        on
            after_constant_currency.organization_id = flagged_organizations.organization_id
            and after_constant_currency.month = flagged_organizations.month
    left join trial_revenue
        on
            after_constant_currency.organization_id = trial_revenue.organization_id
            and after_constant_currency.month = trial_revenue.month
),

described as (
    select
        *,
        case
            when is_trial_month
                then {{ null_safe_concat([
                    "'trial organizations '",
                    'trial_organization_ids',
                    "' (flagged in the CRM); their own revenue removed '",
                    'cast(trial_mrr_usd as ' ~ string_type ~ ')',
                ]) }}
        end as rule_inputs
    from adjusted
)

select * from described
