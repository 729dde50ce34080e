-- Section 2: what each recognised invoice (int_invoices_recognised: the statuses and
-- types that count) contributes to a customer's MRR, by month. A usage invoice counts
-- in the month its billing period starts; a credit purchase is spread evenly over the
-- months of the period it pays for (the contract payment period of
-- int_credit_purchases_assigned_to_periods, or its own period when it matches no
-- contract; cent remainders go to the first months, so the months add up to the
-- invoice exactly). Tax counts when var include_tax_in_mrr is true. Refunds against an
-- invoice reduce it (without tax, by their pre-tax share; never below 0). A
-- startup-plan account's usage invoice whose period starts after its credits expired
-- counts before credits: credits still applied then are revenue; one paid by startup
-- credits before they expire counts 0, even with tax left to pay.
-- Invoices dated after the reporting month, and the months after it, are left out.
-- Currencies (int_fx_rates_monthly): the month's share is worked out in the invoice's
-- currency (mrr_in_currency), then converted once, to the cent: at the month's own rate
-- (mrr_usd, unadjusted MRR) and at the reporting month's rate (constant_mrr_usd, the
-- constant-currency restatement that adjusted MRR starts from). USD rows are unchanged.

with

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

credit_purchases_assigned as (
    select * from {{ ref('int_credit_purchases_assigned_to_periods') }}
),

months as (
    select * from {{ ref('int_months') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

invoices_dated_up_to_the_reporting_month as (
    select invoices_recognised.*
    from invoices_recognised
    inner join months
        on
            months.is_newest_month
            and invoices_recognised.period_start_month <= months.reporting_month
),

refunds_per_invoice as (
    select
        invoice_id,
        sum(amount_usd) as refunded_usd
    from refunds
    group by invoice_id
),

invoice_amounts as (
    select
        invoices_dated_up_to_the_reporting_month.invoice_id,
        invoices_dated_up_to_the_reporting_month.billing_customer_id,
        invoices_dated_up_to_the_reporting_month.source_organization_id,
        invoices_dated_up_to_the_reporting_month.organization_id,
        invoices_dated_up_to_the_reporting_month.invoice_type,
        invoices_dated_up_to_the_reporting_month.currency,
        coalesce(
            credit_purchases_assigned.first_month, invoices_dated_up_to_the_reporting_month.period_start_month
        ) as first_month,
        coalesce(credit_purchases_assigned.months_covered, 1) as months_covered,
        invoices_dated_up_to_the_reporting_month.is_after_startup_credit_expiry,
        coalesce(invoices_dated_up_to_the_reporting_month.is_paid_by_startup_credits, false)
            as is_paid_by_startup_credits,
        invoices_dated_up_to_the_reporting_month.total_usd,
        invoices_dated_up_to_the_reporting_month.tax_usd,
        invoices_dated_up_to_the_reporting_month.credit_applied_usd,
        coalesce(refunds_per_invoice.refunded_usd, 0) as refunded_usd
    from invoices_dated_up_to_the_reporting_month
    left join credit_purchases_assigned
        on invoices_dated_up_to_the_reporting_month.invoice_id = credit_purchases_assigned.invoice_id
    left join refunds_per_invoice
        on invoices_dated_up_to_the_reporting_month.invoice_id = refunds_per_invoice.invoice_id
),

-- A refund gives back tax in proportion to the invoice: without tax in MRR only its
-- pre-tax share (refund x (total - tax) / total) is taken off, so a full refund of a
-- taxed invoice leaves 0, not minus the tax.
refunds_counted as (
    select
        *,
        {%- if var('include_tax_in_mrr') %}
            refunded_usd as refunded_counted_usd
        {%- else %}
            case
                when total_usd > 0 and tax_usd > 0
                    then {{ divide_to_cents('refunded_usd * (total_usd - tax_usd)', 'total_usd') }}
                else refunded_usd
            end as refunded_counted_usd
        {%- endif %}
    from invoice_amounts
),

-- A bill whose usage startup credits pay in full is not revenue, even when tax is left
-- to pay: tax alone is not recurring revenue, and the account is on credits.
recognised_before_floor as (
    select
        *,
        case
            when is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else
                total_usd
                {%- if not var('include_tax_in_mrr') %} - tax_usd{% endif %}
                + case when is_after_startup_credit_expiry then credit_applied_usd else 0 end
                - refunded_counted_usd
        end as recognised_before_floor_usd
    from refunds_counted
),

recognised_amounts as (
    select
        *,
        case
            when recognised_before_floor_usd < 0 then cast(0 as decimal(18, 2))
            else recognised_before_floor_usd
        end as recognised_usd
    from recognised_before_floor
),

in_cents as (
    select
        *,
        cast(recognised_usd * 100 as bigint) as recognised_cents,
        cast(floor(cast(recognised_usd * 100 as bigint) / months_covered) as bigint) as cents_per_month
    from recognised_amounts
),

integers as (
    select n from {{ integers(3) }} as integers
),

spread_over_months as (
    select
        in_cents.invoice_id,
        in_cents.billing_customer_id,
        in_cents.source_organization_id,
        in_cents.organization_id,
        in_cents.invoice_type,
        in_cents.currency,
        in_cents.months_covered,
        in_cents.is_after_startup_credit_expiry,
        integers.n as month_index,
        cast({{ dbt.dateadd('month', 'integers.n', 'in_cents.first_month') }} as date) as month,
        cast(
            (
                in_cents.cents_per_month
                + case
                    when integers.n < in_cents.recognised_cents - in_cents.cents_per_month * in_cents.months_covered
                        then 1
                    else 0
                end
            ) / 100.0 as decimal(18, 2)
        ) as mrr_in_currency
    from in_cents
    inner join integers
        on in_cents.months_covered > integers.n
),

up_to_the_reporting_month as (
    select spread_over_months.*
    from spread_over_months
    inner join months
        on spread_over_months.month = months.month
),

converted as (
    select
        up_to_the_reporting_month.*,
        {{ usd_per_unit('up_to_the_reporting_month.currency', 'fx_rates_monthly.usd_per_unit') }} as usd_per_unit,
        {{ usd_per_unit('up_to_the_reporting_month.currency', 'fx_rates_monthly.reporting_usd_per_unit') }}
            as reporting_usd_per_unit
    from up_to_the_reporting_month
    left join fx_rates_monthly
        on
            up_to_the_reporting_month.currency = fx_rates_monthly.currency
            and up_to_the_reporting_month.month = fx_rates_monthly.month
),

in_usd as (
    select
        *,
        cast(mrr_in_currency * usd_per_unit as decimal(18, 2)) as mrr_usd,
        cast(mrr_in_currency * reporting_usd_per_unit as decimal(18, 2)) as constant_mrr_usd
    from converted
)

select * from in_usd
