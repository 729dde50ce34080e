{#-
    TAM quota, the ramp's first month: a rep who starts before day var
    `quota_ramp_first_month_before_day` (15) of a month counts that month as the first ramp month;
    from that day on, the next month is the first.
-#}
{% macro first_ramp_month(role_start_date) -%}
    cast(
        case
            when extract(day from {{ role_start_date }}) < {{ var('quota_ramp_first_month_before_day') }}
                then {{ dbt.date_trunc('month', role_start_date) }}
            else {{ dbt.dateadd('month', 1, dbt.date_trunc('month', role_start_date)) }}
        end as date
    )
{%- endmacro %}

{#-
    TAM quota, the lead plan's first month: the first full quarter on or after the day the rep became
    team lead (that quarter when the day is the quarter's first day, else the next quarter).
-#}
{% macro team_lead_plan_start_month(team_lead_since) -%}
    cast(
        case
            when {{ team_lead_since }} = cast({{ dbt.date_trunc('quarter', team_lead_since) }} as date)
                then {{ team_lead_since }}
            else {{ dbt.dateadd('month', 3, dbt.date_trunc('quarter', team_lead_since)) }}
        end as date
    )
{%- endmacro %}

{#-
    TAM quota, the day a rep became team lead: `team_lead_since`, or `role_start_date` when that is
    empty; empty for a rep who is not `is_team_lead` (a date on such a rep is not read).
-#}
{% macro team_lead_since(is_team_lead, team_lead_since, role_start_date) -%}
    case when {{ is_team_lead }} then coalesce({{ team_lead_since }}, {{ role_start_date }}) end
{%- endmacro %}
