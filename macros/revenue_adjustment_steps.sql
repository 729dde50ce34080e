{#-
    The adjustment steps of section 3, declared once, in the order they apply, each on the
    output of the one before. A step's position in the list is its adjustment_order in the
    audit trail. Each entry names:
      adjustment_type   the step's name in revenue_adjustments
      model             the customer-level step model
      product_model     the product-level step model (none when the step has no product-level effect)
      flag              the column, the same at both levels, that is true where the rule applies
      mrr_after_column  the name int_mrr_adjusted_monthly gives the step's value after
    Every step model has the same shape: its keys, mrr_before_usd, mrr_after_usd, the flag and
    rule_inputs (the text of the rule's inputs where it applies). revenue_adjustments and
    int_mrr_adjusted_monthly loop over this list and int_product_mrr_adjusted_monthly reads its
    last product-level step. A product-level step holds only the product-months it or a step
    before it applies to (macros/product_months_in_step.sql; any other keeps the spine's
    mrr_usd), so the last one holds every product-month a step changed. Adding a step is one
    entry here plus its model(s), and the next step reading from it.
-#}
{% macro revenue_adjustment_steps() %}
    {{ return([
        {
            'adjustment_type': 'consolidation',
            'model': 'int_mrr_adjusted_for_consolidation',
            'product_model': none,
            'flag': 'has_rolled_up_organizations',
            'mrr_after_column': 'mrr_after_consolidation_usd',
        },
        {
            'adjustment_type': 'constant_currency',
            'model': 'int_mrr_adjusted_for_constant_currency',
            'product_model': 'int_product_mrr_adjusted_for_constant_currency',
            'flag': 'is_restated_to_constant_currency',
            'mrr_after_column': 'mrr_after_constant_currency_usd',
        },
        {
            'adjustment_type': 'trial',
            'model': 'int_mrr_adjusted_for_trials',
            'product_model': 'int_product_mrr_adjusted_for_trials',
            'flag': 'is_trial_month',
            'mrr_after_column': 'mrr_after_trials_usd',
        },
        {
            'adjustment_type': 'one_time_credit',
            'model': 'int_mrr_adjusted_for_one_time_credits',
            'product_model': 'int_product_mrr_adjusted_for_one_time_credits',
            'flag': 'is_one_time_credit_month',
            'mrr_after_column': 'mrr_after_one_time_credits_usd',
        },
        {
            'adjustment_type': 'spike',
            'model': 'int_mrr_adjusted_for_spikes',
            'product_model': 'int_product_mrr_adjusted_for_spikes',
            'flag': 'is_spike_month',
            'mrr_after_column': 'mrr_after_spikes_usd',
        },
        {
            'adjustment_type': 'annual_plan',
            'model': 'int_mrr_adjusted_for_annual_plans',
            'product_model': 'int_product_mrr_adjusted_for_annual_plans',
            'flag': 'is_discounted_contract_month',
            'mrr_after_column': 'mrr_after_annual_plans_usd',
        },
    ]) }}
{% endmacro %}
