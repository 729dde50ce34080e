-- Section 3, adjustment 1, consolidation (section 1): before is what the customer's top
-- organization billed on its own accounts, after is the customer's MRR with every
-- organization rolled into it (int_customer_months_spined). Top-line MRR
-- (mrr_monthly.mrr_usd) is already consolidated; this step puts the roll-up in the
-- audit trail, naming the organizations rolled in that billed in the month.

with

customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
),

adjusted as (
    select
        organization_id,
        month,
        is_newest_month,
        own_mrr_usd as mrr_before_usd,
        rolled_up_organization_ids,
        rolled_up_organization_ids is not null as has_rolled_up_organizations,
        mrr_usd as mrr_after_usd,
        case
            when rolled_up_organization_ids is not null
                then {{ null_safe_concat(["'rolled up: '", 'rolled_up_organization_ids']) }}
        end as rule_inputs
    from customer_months
)

select * from adjusted
