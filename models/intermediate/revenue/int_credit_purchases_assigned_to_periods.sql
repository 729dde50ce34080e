-- Section 2, the period each recognised credit purchase pays for. Billing systems
-- issue credit purchases as one-off invoices whose own period can be a single day,
-- so the invoice's period is not the period it pays for. A credit purchase on a
-- contract's credits billing account pays for one payment period of that contract
-- (int_contract_payment_periods):
--   in_period          the period in which the invoice's period start falls (where
--                      contracts on the account overlap, the one that started last)
--   before_start       dated before the contract starts: its first period (the next
--                      contract to start on the account)
--   renewal_in_advance a second invoice in a period that is already paid, dated before
--                      another contract on the account starts and no later than the end
--                      of that period: the renewal's first period (a renewal invoiced a
--                      few days ahead, not a second payment of the running period)
--   own_period         matches no contract: its own period, at least its own month
-- (docs/decisions.md). One row per recognised credit purchase.

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
        period_end_date
    from invoices_recognised
    where is_credit_purchase
),

first_periods as (
    select * from contract_payment_periods
    where period_number = 1
),

-- The contract period the invoice's period start falls in; the latest-starting contract wins.
containing_periods as (
    select
        credit_purchases.invoice_id,
        contract_payment_periods.contract_id,
        contract_payment_periods.period_number,
        contract_payment_periods.next_period_start_date,
        row_number() over (
            partition by credit_purchases.invoice_id
            order by contract_payment_periods.contract_start_date desc, contract_payment_periods.contract_id desc
        ) as contract_rank
    from credit_purchases
    inner join contract_payment_periods
        on
            credit_purchases.billing_customer_id = contract_payment_periods.credits_billing_customer_id
            and credit_purchases.period_start_date >= contract_payment_periods.period_start_date
            and credit_purchases.period_start_date < contract_payment_periods.next_period_start_date
),

-- The next contract to start on the account after the invoice's date.
upcoming_contracts as (
    select
        credit_purchases.invoice_id,
        first_periods.contract_id,
        first_periods.contract_start_date,
        row_number() over (
            partition by credit_purchases.invoice_id
            order by first_periods.contract_start_date, first_periods.contract_id
        ) as contract_rank
    from credit_purchases
    inner join first_periods
        on
            credit_purchases.billing_customer_id = first_periods.credits_billing_customer_id
            and credit_purchases.period_start_date < first_periods.contract_start_date
),

matched as (
    select
        credit_purchases.invoice_id,
        credit_purchases.billing_customer_id,
        credit_purchases.period_start_date,
        credit_purchases.period_end_date,
        coalesce(containing_periods.contract_id, upcoming_contracts.contract_id) as contract_id,
        coalesce(containing_periods.period_number, 1) as period_number,
        containing_periods.next_period_start_date as containing_period_end_date,
        upcoming_contracts.contract_id as upcoming_contract_id,
        upcoming_contracts.contract_start_date as upcoming_contract_start_date,
        case
            when containing_periods.contract_id is not null then 'in_period'
            when upcoming_contracts.contract_id is not null then 'before_start'
            else 'own_period'
        end as matched_by
    from credit_purchases
    left join containing_periods
        on
            credit_purchases.invoice_id = containing_periods.invoice_id
            and containing_periods.contract_rank = 1
    left join upcoming_contracts
        on
            credit_purchases.invoice_id = upcoming_contracts.invoice_id
            and upcoming_contracts.contract_rank = 1
),

ranked_within_period as (
    select
        *,
        row_number() over (
            partition by contract_id, period_number
            order by period_start_date, invoice_id
        ) as payment_rank
    from matched
),

reassigned as (
    select
        invoice_id,
        billing_customer_id,
        period_start_date,
        period_end_date,
        matched_by = 'in_period'
        and payment_rank > 1
        and upcoming_contract_start_date <= containing_period_end_date as is_renewal_in_advance,
        contract_id,
        period_number,
        upcoming_contract_id,
        matched_by
    from ranked_within_period
),

targeted as (
    select
        invoice_id,
        billing_customer_id,
        period_start_date,
        period_end_date,
        case when is_renewal_in_advance then 'renewal_in_advance' else matched_by end as matched_by,
        case when is_renewal_in_advance then upcoming_contract_id else contract_id end as contract_id,
        case when is_renewal_in_advance then 1 else period_number end as period_number
    from reassigned
),

assigned as (
    select
        targeted.invoice_id,
        targeted.billing_customer_id,
        targeted.period_start_date as invoice_period_start_date,
        targeted.matched_by,
        targeted.contract_id,
        contract_payment_periods.period_number,
        coalesce(
            contract_payment_periods.first_month,
            cast({{ dbt.date_trunc('month', 'targeted.period_start_date') }} as date)
        ) as first_month,
        coalesce(
            contract_payment_periods.months_covered,
            greatest(
                1,
                {{ months_between(
                    'targeted.period_start_date',
                    dbt.dateadd('day', 1, 'targeted.period_end_date'),
                ) }}
            )
        ) as months_covered
    from targeted
    left join contract_payment_periods
        on
            targeted.contract_id = contract_payment_periods.contract_id
            and targeted.period_number = contract_payment_periods.period_number
)

select * from assigned
