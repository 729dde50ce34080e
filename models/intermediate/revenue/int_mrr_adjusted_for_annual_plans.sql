-- Section 3, adjustment 5 (after spikes): in months covered by a discounted credit
-- contract, adjusted MRR = MRR / (1 - discount), the usage's value at list price
-- (rounded to the cent half away from zero, exactly: macros/divide_to_cents).

{%- set string_type = dbt.type_string() %}

with

after_spikes as (
    select * from {{ ref('int_mrr_adjusted_for_spikes') }}
),

configurations as (
    select * from {{ ref('int_billing_configurations_monthly') }}
),

adjusted as (
    select
        after_spikes.organization_id,
        after_spikes.month,
        after_spikes.is_newest_month,
        after_spikes.mrr_after_usd as mrr_before_usd,
        configurations.contract_id,
        configurations.contract_discount,
        configurations.contract_discount > 0 as is_discounted_contract_month,
        case
            when configurations.contract_discount > 0
                then {{ divide_to_cents('after_spikes.mrr_after_usd', '1 - configurations.contract_discount') }}
            else after_spikes.mrr_after_usd
        end as mrr_after_usd
    from after_spikes
    inner join configurations
        on
            after_spikes.organization_id = configurations.organization_id
            and after_spikes.month = configurations.month
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
                ]) }}
        end as rule_inputs
    from adjusted
)

select * from described
