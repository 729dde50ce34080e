-- Sections 1-2: unadjusted MRR per customer (the consolidated organization) and
-- month, on a gap-free spine from the customer's first billed month to the
-- reporting month, so months without an invoice are present at 0. It is also the
-- consolidation step of section 3: `own_mrr_usd` is what the top organization billed
-- on its own accounts, `mrr_usd` adds the organizations rolled into it.
-- `constant_mrr_usd` is the same month at the reporting month's rates (constant
-- currency, the next step); equal to mrr_usd for a customer billed in USD only.

with

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

months as (
    select * from {{ ref('int_months') }}
),

customer_months_billed as (
    select
        organization_id,
        month,
        sum(mrr_usd) as mrr_usd,
        sum(constant_mrr_usd) as constant_mrr_usd,
        sum(case when source_organization_id = organization_id then mrr_usd else 0 end) as own_mrr_usd
    from invoices_attributed
    group by organization_id, month
),

-- Listed apart: only the few customer-months with a rolled-up organization have one.
rolled_up_organizations as (
    select
        organization_id,
        month,
        {{ dbt.listagg(
            "distinct source_organization_id",
            "', '",
            "order by source_organization_id",
        ) }} as rolled_up_organization_ids
    from invoices_attributed
    where source_organization_id <> organization_id
    group by organization_id, month
),

customer_first_months as (
    select
        organization_id,
        min(month) as first_month
    from customer_months_billed
    group by organization_id
),

spine as (
    select
        customer_first_months.organization_id,
        months.month,
        months.is_newest_month
    from customer_first_months
    inner join months
        on customer_first_months.first_month <= months.month
),

spined as (
    select
        spine.organization_id,
        spine.month,
        spine.is_newest_month,
        cast(coalesce(customer_months_billed.mrr_usd, 0) as decimal(18, 2)) as mrr_usd,
        cast(coalesce(customer_months_billed.own_mrr_usd, 0) as decimal(18, 2)) as own_mrr_usd,
        cast(coalesce(customer_months_billed.constant_mrr_usd, 0) as decimal(18, 2)) as constant_mrr_usd,
        rolled_up_organizations.rolled_up_organization_ids
    from spine
    left join customer_months_billed
        on
            spine.organization_id = customer_months_billed.organization_id
            and spine.month = customer_months_billed.month
    left join rolled_up_organizations
        on
            spine.organization_id = rolled_up_organizations.organization_id
            and spine.month = rolled_up_organizations.month
)

select * from spined
