-- Spreading never creates or loses a cent: for every recognised usage or credit-purchase
-- invoice dated up to the reporting month, the months it is attributed to add up to its
-- total (tax per include_tax_in_mrr, a startup account's credits added back after they
-- expired) less its refunds, never below 0, and 0 for a bill startup credits pay in full,
-- recomputed here from staging. A credit purchase whose
-- payment period runs past the reporting month is cut there: its attributed months are
-- exactly the months of its period up to the reporting month, and add up to no more.
-- All in the invoice's own currency (mrr_in_currency): the spread is exact there, and the
-- conversion of each month's share is tested on its own.

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

billing_customers as (
    select * from {{ ref('stg_billing__billing_customers') }}
),

credit_purchases_assigned as (
    select * from {{ ref('int_credit_purchases_assigned_to_periods') }}
),

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

months as (
    select * from {{ ref('int_months') }}
),

reporting_month as (
    select max(month) as reporting_month
    from months
),

refunds_per_invoice as (
    select
        invoice_id,
        sum(amount_usd) as refunded_usd
    from refunds
    group by invoice_id
),

expected as (
    select
        invoices.invoice_id,
        case
            -- A bill whose usage startup credits pay in full counts 0, tax or not.
            when
                invoices.invoice_type = 'usage'
                and billing_customers.is_startup_plan
                and not coalesce(invoices.period_start_date > billing_customers.startup_credit_expires_date, false)
                and invoices.credit_applied_usd > 0
                and invoices.total_usd - invoices.tax_usd <= 0
                then 0
            -- Never below 0; without tax, a refund takes off only its pre-tax share.
            else
                greatest(
                    cast(0 as decimal(18, 2)), invoices.total_usd
                    {%- if not var('include_tax_in_mrr') %} - invoices.tax_usd{% endif %}
                    + case
                        when
                            invoices.invoice_type = 'usage'
                            and billing_customers.is_startup_plan
                            and invoices.period_start_date > billing_customers.startup_credit_expires_date
                            then invoices.credit_applied_usd
                        else 0
                    end
            {%- if var('include_tax_in_mrr') %}
                    - coalesce(refunds_per_invoice.refunded_usd, 0)
                )
            {%- else %}
                - case
                    when invoices.total_usd > 0 and invoices.tax_usd > 0
                        then round(
                            coalesce(refunds_per_invoice.refunded_usd, 0) * (invoices.total_usd - invoices.tax_usd)
                            / invoices.total_usd, 2
                        )
                    else coalesce(refunds_per_invoice.refunded_usd, 0)
                end)
                {%- endif %}
        end as expected_usd,
        case
            when credit_purchases_assigned.invoice_id is null then 1
            else
                {{ months_between('credit_purchases_assigned.first_month', 'reporting_month.reporting_month') }}
                + 1
        end as months_up_to_the_reporting_month,
        coalesce(credit_purchases_assigned.months_covered, 1) as months_covered
    from invoices
    inner join billing_customers
        on invoices.billing_customer_id = billing_customers.billing_customer_id
    cross join reporting_month
    left join refunds_per_invoice
        on invoices.invoice_id = refunds_per_invoice.invoice_id
    left join credit_purchases_assigned
        on invoices.invoice_id = credit_purchases_assigned.invoice_id
    where
        invoices.invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoices.invoice_type in ('usage', 'credit_purchase')
        and invoices.period_start_date < {{ dbt.dateadd('month', 1, 'reporting_month.reporting_month') }}
),

attributed as (
    select
        invoice_id,
        count(*) as months_attributed,
        sum(mrr_in_currency) as attributed_usd
    from invoices_attributed
    group by invoice_id
),

mismatched as (
    select
        expected.invoice_id,
        expected.expected_usd,
        expected.months_covered,
        expected.months_up_to_the_reporting_month,
        attributed.months_attributed,
        attributed.attributed_usd
    from expected
    left join attributed
        on expected.invoice_id = attributed.invoice_id
    where
        case
            when expected.months_up_to_the_reporting_month <= 0 then attributed.invoice_id is not null
            when expected.months_covered <= expected.months_up_to_the_reporting_month
                then attributed.attributed_usd is null or attributed.attributed_usd <> expected.expected_usd
            else
                attributed.months_attributed is null
                or attributed.months_attributed <> expected.months_up_to_the_reporting_month
                or attributed.attributed_usd > expected.expected_usd
        end
)

select * from mismatched
