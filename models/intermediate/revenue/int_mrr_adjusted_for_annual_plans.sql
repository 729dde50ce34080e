-- Section 3, adjustment 5 (after spikes): in months covered by a discounted credit
-- contract, adjusted MRR = MRR / (1 - discount), the usage's value at list price. Each
-- part of the month counts at its own contract's discount (int_mrr_at_list_price_monthly):
-- when all of the month's revenue has one discount, the value after spikes / (1 - it);
-- when discounts differ, the value after spikes x list_price_usd / billed_usd; each
-- rounded once to the cent half away from zero (exactly: macros/divide_to_cents). So
-- two overlapping contracts each count at their own discount and a pay-as-you-go
-- account of the same customer at its own price. A month with no attributed revenue
-- (its value comes from an earlier month through rule 3) is divided by (1 - the
-- covering contract's discount).

{%- set string_type = dbt.type_string() %}

with

after_spikes as (
    select * from {{ ref('int_mrr_adjusted_for_spikes') }}
),

configurations as (
    select * from {{ ref('int_billing_configurations_monthly') }}
),

mrr_at_list_price as (
    select * from {{ ref('int_mrr_at_list_price_monthly') }}
),

adjusted as (
    select
        after_spikes.organization_id,
        after_spikes.month,
        after_spikes.is_newest_month,
        after_spikes.mrr_after_usd as mrr_before_usd,
        configurations.contract_id,
        configurations.contract_discount,
        configurations.contract_discount > 0
        or coalesce(mrr_at_list_price.list_price_usd <> mrr_at_list_price.billed_usd, false)
            as is_discounted_contract_month,
        mrr_at_list_price.single_contract_discount,
        mrr_at_list_price.discount_inputs,
        case
            when mrr_at_list_price.single_contract_discount > 0
                then {{ divide_to_cents(
                    'after_spikes.mrr_after_usd', '1 - mrr_at_list_price.single_contract_discount'
                ) }}
            when mrr_at_list_price.single_contract_discount = 0 then after_spikes.mrr_after_usd
            when mrr_at_list_price.billed_usd > 0
                then {{ divide_to_cents(
                    'after_spikes.mrr_after_usd * mrr_at_list_price.list_price_usd', 'mrr_at_list_price.billed_usd'
                ) }}
            when configurations.contract_discount > 0
                then {{ divide_to_cents('after_spikes.mrr_after_usd', '1 - configurations.contract_discount') }}
            else after_spikes.mrr_after_usd
        end as mrr_after_usd
    from after_spikes
    inner join configurations
        on
            after_spikes.organization_id = configurations.organization_id
            and after_spikes.month = configurations.month
    left join mrr_at_list_price
        on
            after_spikes.organization_id = mrr_at_list_price.organization_id
            and after_spikes.month = mrr_at_list_price.month
),

described as (
    select
        *,
        case
            when is_discounted_contract_month
                then {{ null_safe_concat([
                    "'contract '",
                    'contract_id',
                    "'; discount '",
                    'cast(contract_discount as ' ~ string_type ~ ')',
                    "case when single_contract_discount is null and discount_inputs is not null then concat('; by contract: ', discount_inputs) end",
                ]) }}
        end as rule_inputs
    from adjusted
)

select * from described
