-- One row per customer (a consolidated organization, the top of its consolidation chain) with what
-- describes it: the top organization's company name, creation time, region, industry and employee
-- count, its employee-size band (var employee_size_band_upper_bounds), and the organizations rolled
-- into it. A business's name is not personal data; people's names and emails never get here.

with

organizations as (
    select * from {{ ref('stg_crm__organizations') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

customers as (
    select distinct consolidated_organization_id as organization_id
    from organizations_consolidated
),

rolled_up_organizations as (
    select
        consolidated_organization_id as organization_id,
        count(*) as rolled_up_organizations,
        {{ dbt.listagg("organization_id", "', '", "order by organization_id") }} as rolled_up_organization_ids
    from organizations_consolidated
    where is_consolidated
    group by consolidated_organization_id
),

profiled as (
    select
        customers.organization_id,
        organizations.company_name,
        organizations.created_at,
        organizations.region,
        organizations.industry,
        organizations.employee_count,
        {{ employee_size_band('organizations.employee_count') }} as employee_size_band,
        coalesce(rolled_up_organizations.rolled_up_organizations, 0) as rolled_up_organizations,
        rolled_up_organizations.rolled_up_organization_ids
    from customers
    inner join organizations
        on customers.organization_id = organizations.organization_id
    left join rolled_up_organizations
        on customers.organization_id = rolled_up_organizations.organization_id
)

select * from profiled
