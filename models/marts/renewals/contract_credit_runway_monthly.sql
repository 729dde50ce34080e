-- Renewals and credit runway, per credit contract and month it is in force (up to the reporting month):
-- the credits bought, drawn to date (capped at what was bought), remaining, the average drawn over the
-- last three months, the month the credits are projected to run out at that pace, whether that is before
-- the contract ends (an early renewal), and the `Upcoming renewal` flag from two months before the end.
-- Currencies (docs/rules.md 2.8): the runway is worked out in the contract's currency, and the money
-- columns are then converted at the reporting month's rate (constant currency), every month at one
-- rate, so a move in exchange rates alone never moves the runway or the early-renewal flag. Each
-- published amount is the exact amount x rate rounded once; remaining is bought less used to date,
-- so the three still add up.

with

contract_credits_drawn as (
    select * from {{ ref('int_contract_credits_drawn_monthly') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

cumulated as (
    select
        contract_id,
        organization_id,
        month,
        start_date,
        cast({{ dbt.dateadd('month', 'term_months', 'start_date') }} as date) as end_date,
        cast({{ dbt.date_trunc('month', dbt.dateadd('month', 'term_months', 'start_date')) }} as date) as end_month,
        currency,
        credit_usd,
        credits_drawn_usd,
        cast(sum(credits_drawn_usd) over (
            partition by contract_id order by month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as credits_drawn_uncapped_usd,
        -- The month and the two before it; a contract in its first months averages the months it has.
        cast(sum(credits_drawn_usd) over (
            partition by contract_id order by month rows between 2 preceding and current row
        ) as decimal(18, 2)) as credits_drawn_last_3_months_usd,
        count(*) over (
            partition by contract_id order by month rows between 2 preceding and current row
        ) as months_averaged,
        is_provisional
    from contract_credits_drawn
),

remaining as (
    select
        contract_id,
        organization_id,
        month,
        start_date,
        end_date,
        currency,
        credit_usd,
        credits_drawn_usd,
        case
            when credits_drawn_uncapped_usd > credit_usd then credit_usd
            else credits_drawn_uncapped_usd
        end as credits_drawn_to_date_usd,
        credits_drawn_last_3_months_usd,
        months_averaged,
        {{ divide_to_cents('credits_drawn_last_3_months_usd', 'months_averaged') }} as average_burn_3m_usd,
        {{ dbt.datediff('month', 'end_month', 'month') }}
        - 1 as months_left_after_month,
        is_provisional
    from cumulated
),

runway as (
    select
        *,
        cast(credit_usd - credits_drawn_to_date_usd as decimal(18, 2)) as credits_remaining_usd,
        min(case when credits_drawn_to_date_usd = credit_usd then month end) over (
            partition by contract_id order by month rows between unbounded preceding and current row
        ) as ran_out_month
    from remaining
),

-- Whole months until the credits run out: ceil(remaining / burn). The quotient of two decimals is a
-- double on DuckDB (0.07 / 0.01 = 7.000000000000001, ceil 8) and exact on Spark, so the estimate is
-- corrected by one either way with exact decimal products.
months_to_run_out_estimated as (
    select
        *,
        case
            when average_burn_3m_usd > 0 then cast(ceil(credits_remaining_usd / average_burn_3m_usd) as integer)
        end as months_to_run_out_estimate
    from runway
),

months_to_run_out_exact as (
    select
        *,
        case
            when (months_to_run_out_estimate - 1) * average_burn_3m_usd >= credits_remaining_usd
                then months_to_run_out_estimate - 1
            when months_to_run_out_estimate * average_burn_3m_usd < credits_remaining_usd
                then months_to_run_out_estimate + 1
            else months_to_run_out_estimate
        end as months_to_run_out
    from months_to_run_out_estimated
),

projected as (
    select
        contract_id,
        organization_id,
        month,
        start_date,
        end_date,
        currency,
        credit_usd,
        credits_drawn_usd,
        credits_drawn_to_date_usd,
        credits_remaining_usd,
        credits_drawn_last_3_months_usd,
        months_averaged,
        average_burn_3m_usd,
        -- remaining / burn to the tenth, half away from zero, exactly: (remaining / (10 x burn)) to
        -- the cent, x 10 (a double quotient rounds 0.29 / 0.04 = 7.25 to 7.2 on DuckDB, 7.3 on Spark)
        case
            when average_burn_3m_usd > 0
                then cast(
                    {{ divide_to_cents('credits_remaining_usd', '10 * average_burn_3m_usd') }} * 10 as decimal(9, 1)
                )
        end as runway_months,
        case
            when credits_remaining_usd = 0 then ran_out_month
            when average_burn_3m_usd > 0
                then cast(
                    {{ dbt.dateadd(
                        'month',
                        'months_to_run_out',
                        'month',
                    ) }} as date
                )
        end as projected_run_out_month,
        months_left_after_month,
        -- Run out with months of the contract left is early even when nothing is drawn any more.
        (credits_remaining_usd = 0 and months_left_after_month > 0)
        or credits_remaining_usd < average_burn_3m_usd * months_left_after_month as is_early_renewal,
        month >= cast({{ dbt.date_trunc('month', dbt.dateadd('month', -2, 'end_date')) }} as date)
            as is_upcoming_renewal,
        is_provisional
    from months_to_run_out_exact
),

-- The contract's amounts at the reporting month's rate (1 for usd).
converted as (
    select
        projected.*,
        {{ usd_per_unit('projected.currency', 'fx_rates_monthly.reporting_usd_per_unit') }} as reporting_usd_per_unit
    from projected
    left join fx_rates_monthly
        on
            projected.currency = fx_rates_monthly.currency
            and projected.month = fx_rates_monthly.month
),

published as (
    select
        contract_id,
        organization_id,
        month,
        start_date as contract_start_date,
        end_date as contract_end_date,
        cast(months_left_after_month as integer) as months_left_after_month,
        cast(credit_usd * reporting_usd_per_unit as decimal(18, 2)) as credits_bought_usd,
        cast(credits_drawn_usd * reporting_usd_per_unit as decimal(18, 2)) as credits_used_usd,
        cast(credits_drawn_to_date_usd * reporting_usd_per_unit as decimal(18, 2)) as credits_used_to_date_usd,
        cast(
            cast(credit_usd * reporting_usd_per_unit as decimal(18, 2))
            - cast(credits_drawn_to_date_usd * reporting_usd_per_unit as decimal(18, 2))
            as decimal(18, 2)
        ) as credits_remaining_usd,
        {{ divide_to_cents('credits_drawn_last_3_months_usd * reporting_usd_per_unit', 'months_averaged') }}
            as average_burn_3m_usd,
        runway_months,
        projected_run_out_month,
        is_early_renewal,
        is_upcoming_renewal,
        is_provisional,
        currency,
        reporting_usd_per_unit,
        cast(credit_usd as decimal(18, 2)) as credits_bought_in_currency,
        cast(credits_remaining_usd as decimal(18, 2)) as credits_remaining_in_currency
    from converted
)

select * from published
