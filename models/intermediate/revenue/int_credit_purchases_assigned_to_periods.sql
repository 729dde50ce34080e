-- Section 2, the period each recognised credit purchase pays for. Billing systems
-- issue credit purchases as one-off invoices whose own period can be a single day,
-- so the invoice's period is not the period it pays for. A credit purchase on a
-- contract's credits billing account pays for one payment period of that contract
-- (int_contract_payment_periods). The contract: among the contracts on the account
-- whose term has not ended at the invoice's date, first one whose instalment
-- (period_price_usd) the amount equals, then one in force at the date (the one that
-- started last), then the next one to start. The period: a contract's purchases, in
-- date order, pay its periods in order, each the period its date falls in (the first
-- when dated before the contract starts) unless that period is already paid, then the
-- next unpaid one:
--   in_period          the period in which the invoice's period start falls
--   before_start       dated before the contract starts: its first period
--   next_unpaid_period its date falls in a period already paid: the next unpaid one
--                      (a payment invoiced a few days early)
--   renewal_in_advance every period of its contract is already paid and another
--                      contract on the account starts later (the one whose instalment
--                      it equals, else the next to start): that contract's first unpaid
--                      period (a renewal invoiced a few days ahead)
--   own_period         matches no contract: its own period, at least its own month
-- Renewals paid in advance are found pass by pass: in each, every contract's purchases in
-- date order pay its periods in order, and a purchase paid after every period of its
-- contract was moves to the later contract it pays in advance (upcoming_contracts), where
-- it takes its place in that contract's date order of purchases. A chain of renewals each
-- paid in advance moves one link per pass, up to var credit_purchase_renewal_passes links;
-- a last pass pays the periods. So a renewal's own payments pay the periods after the one
-- paid in advance, never that one twice (docs/decisions.md). A purchase the last pass would
-- still move (a longer chain) is flagged is_past_the_renewal_passes, and a data test fails
-- the build on it rather than publish a chain cut short. One row per recognised credit
-- purchase.

with

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

contract_payment_periods as (
    select * from {{ ref('int_contract_payment_periods') }}
),

credit_purchases as (
    select
        invoice_id,
        billing_customer_id,
        period_start_date,
        period_end_date,
        total_usd - tax_usd as amount_before_tax_usd
    from invoices_recognised
    where is_credit_purchase
),

contracts_with_bounds as (
    select
        contract_id,
        credits_billing_customer_id,
        contract_start_date,
        max(next_period_start_date) as contract_end_date,
        max(period_number) as period_count
    from contract_payment_periods
    group by contract_id, credits_billing_customer_id, contract_start_date
),

-- Every contract on the purchase's account that has not ended at its date.
candidate_contracts as (
    select
        credit_purchases.invoice_id,
        credit_purchases.period_start_date,
        contracts_with_bounds.contract_id,
        contracts_with_bounds.contract_start_date,
        contracts_with_bounds.period_count,
        credit_purchases.period_start_date >= contracts_with_bounds.contract_start_date as is_in_force
    from credit_purchases
    inner join contracts_with_bounds
        on
            credit_purchases.billing_customer_id = contracts_with_bounds.credits_billing_customer_id
            and credit_purchases.period_start_date < contracts_with_bounds.contract_end_date
),

price_matches as (
    select distinct
        credit_purchases.invoice_id,
        contract_payment_periods.contract_id
    from credit_purchases
    inner join contract_payment_periods
        on
            credit_purchases.billing_customer_id = contract_payment_periods.credits_billing_customer_id
            and credit_purchases.amount_before_tax_usd = contract_payment_periods.period_price_usd
),

-- The period the date falls in (1 when dated before the contract starts).
candidates_with_periods as (
    select
        candidate_contracts.*,
        price_matches.contract_id is not null as is_price_match,
        coalesce(contract_payment_periods.period_number, 1) as natural_period_number
    from candidate_contracts
    left join price_matches
        on
            candidate_contracts.invoice_id = price_matches.invoice_id
            and candidate_contracts.contract_id = price_matches.contract_id
    left join contract_payment_periods
        on
            candidate_contracts.contract_id = contract_payment_periods.contract_id
            and candidate_contracts.period_start_date >= contract_payment_periods.period_start_date
            and candidate_contracts.period_start_date < contract_payment_periods.next_period_start_date
),

ranked_candidates as (
    select
        *,
        row_number() over (
            partition by invoice_id
            order by
                case when is_price_match then 0 else 1 end,
                case when is_in_force then 0 else 1 end,
                case when is_in_force then contract_start_date end desc nulls last,
                contract_start_date asc,
                contract_id asc
        ) as contract_rank
    from candidates_with_periods
),

chosen_contracts as (
    select * from ranked_candidates
    where contract_rank = 1
),

-- The contract a purchase pays in advance: of the contracts on the account that start after
-- the invoice's date, the one whose instalment price it equals, else the next to start (a
-- base contract's and its expansion's renewals starting the same day each take their own).
upcoming_contracts as (
    select
        credit_purchases.invoice_id,
        contracts_with_bounds.contract_id,
        contracts_with_bounds.period_count,
        row_number() over (
            partition by credit_purchases.invoice_id
            order by
                case when price_matches.contract_id is not null then 0 else 1 end,
                contracts_with_bounds.contract_start_date,
                contracts_with_bounds.contract_id
        ) as contract_rank
    from credit_purchases
    inner join contracts_with_bounds
        on
            credit_purchases.billing_customer_id = contracts_with_bounds.credits_billing_customer_id
            and credit_purchases.period_start_date < contracts_with_bounds.contract_start_date
    left join price_matches
        on
            credit_purchases.invoice_id = price_matches.invoice_id
            and contracts_with_bounds.contract_id = price_matches.contract_id
),

contracts_paid_0 as (
    select
        chosen_contracts.invoice_id,
        chosen_contracts.period_start_date,
        chosen_contracts.contract_id,
        chosen_contracts.natural_period_number,
        chosen_contracts.period_count,
        chosen_contracts.is_in_force,
        false as is_renewal_in_advance,
        upcoming_contracts.contract_id as upcoming_contract_id,
        upcoming_contracts.period_count as upcoming_period_count
    from chosen_contracts
    left join upcoming_contracts
        on
            chosen_contracts.invoice_id = upcoming_contracts.invoice_id
            and upcoming_contracts.contract_rank = 1
),

{%- set passes = var('credit_purchase_renewal_passes') %}

{% for pass in range(1, passes + 2) %}
    -- Pass {{ pass }} (the last pays the periods). The k-th purchase of a contract pays max(its
    -- own period, the period the one before paid + 1): k + the running maximum of (own period
    -- - position).
    sequenced_{{ pass }} as (
        select
            *,
            row_number() over (
                partition by contract_id
                order by period_start_date, invoice_id
            ) as purchase_position
        from contracts_paid_{{ pass - 1 }}
    ),

    periods_paid_{{ pass }} as (
        select
            *,
            purchase_position + max(natural_period_number - purchase_position) over (
                partition by contract_id
                order by period_start_date, invoice_id
                rows between unbounded preceding and current row
            ) as next_unpaid_period_number
        from sequenced_{{ pass }}
    ),

    -- Paid after every period of its contract was: the later contract it pays in advance (after
    -- the last pass, a purchase that would still move is one link too far: a failing test).
    next_contracts_{{ pass }} as (
        select
            *,
            coalesce(
                next_unpaid_period_number > period_count
                and upcoming_contract_id is not null
                and upcoming_contract_id <> contract_id,
                false
            ) as is_for_next_contract
        from periods_paid_{{ pass }}
    ),
    {%- if not loop.last %}

        contracts_paid_{{ pass }} as (
            select
                invoice_id,
                period_start_date,
                case when is_for_next_contract then upcoming_contract_id else contract_id end as contract_id,
                case when is_for_next_contract then 1 else natural_period_number end as natural_period_number,
                case when is_for_next_contract then upcoming_period_count else period_count end as period_count,
                is_in_force,
                is_renewal_in_advance or is_for_next_contract as is_renewal_in_advance,
                upcoming_contract_id,
                upcoming_period_count
            from next_contracts_{{ pass }}
        ),
    {%- endif %}

{% endfor -%}

-- A contract paid more times than it has periods keeps the extra payments in its last one.
resolved as (
    select
        credit_purchases.invoice_id,
        credit_purchases.billing_customer_id,
        credit_purchases.period_start_date,
        credit_purchases.period_end_date,
        case
            when last_pass.contract_id is null then 'own_period'
            when last_pass.is_renewal_in_advance then 'renewal_in_advance'
            when
                last_pass.next_unpaid_period_number > last_pass.natural_period_number
                and last_pass.next_unpaid_period_number <= last_pass.period_count
                then 'next_unpaid_period'
            when not last_pass.is_in_force then 'before_start'
            else 'in_period'
        end as matched_by,
        last_pass.contract_id,
        case
            when last_pass.next_unpaid_period_number > last_pass.period_count then last_pass.period_count
            else last_pass.next_unpaid_period_number
        end as period_number,
        coalesce(last_pass.is_for_next_contract, false) as is_past_the_renewal_passes
    from credit_purchases
    left join next_contracts_{{ passes + 1 }} as last_pass
        on credit_purchases.invoice_id = last_pass.invoice_id
),

assigned as (
    select
        resolved.invoice_id,
        resolved.billing_customer_id,
        resolved.period_start_date as invoice_period_start_date,
        resolved.matched_by,
        resolved.contract_id,
        contract_payment_periods.period_number,
        coalesce(
            contract_payment_periods.first_month,
            cast({{ dbt.date_trunc('month', 'resolved.period_start_date') }} as date)
        ) as first_month,
        coalesce(
            contract_payment_periods.months_covered,
            greatest(
                1,
                {{ months_between(
                    'resolved.period_start_date',
                    dbt.dateadd('day', 1, 'resolved.period_end_date'),
                ) }}
            )
        ) as months_covered,
        resolved.is_past_the_renewal_passes
    from resolved
    left join contract_payment_periods
        on
            resolved.contract_id = contract_payment_periods.contract_id
            and resolved.period_number = contract_payment_periods.period_number
)

select * from assigned
