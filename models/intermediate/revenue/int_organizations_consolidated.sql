-- Section 1, consolidation: every organization with the customer it belongs to,
-- the top of its consolidation chain (A -> B -> C rolls A into C). The mapping
-- applies to the child's whole history. Chains of any length resolve to the top:
-- a chain without a cycle has at most one link per consolidation row, so that
-- count bounds the recursion (the validator refuses cycles; the bound also ends
-- the recursion on one when dbt runs without the validator).

with recursive

organizations as (
    select * from {{ ref('stg_crm__organizations') }}
),

consolidations as (
    select * from {{ ref('stg_crm__organization_consolidations') }}
),

longest_possible_chain as (
    select count(*) as consolidation_links
    from consolidations
),

-- The bound rides along from the anchor: engines that run each step of the recursion as a
-- query of its own (Spark) would otherwise count the consolidation rows again at every step.
chain as (
    select
        organizations.organization_id,
        organizations.organization_id as ancestor_organization_id,
        0 as consolidation_depth,
        longest_possible_chain.consolidation_links
    from organizations
    cross join longest_possible_chain

    union all

    select
        chain.organization_id,
        consolidations.parent_organization_id as ancestor_organization_id,
        chain.consolidation_depth + 1 as consolidation_depth,
        chain.consolidation_links
    from chain
    inner join consolidations
        on chain.ancestor_organization_id = consolidations.organization_id
    where chain.consolidation_depth < chain.consolidation_links
),

deepest as (
    select
        organization_id,
        max(consolidation_depth) as consolidation_depth
    from chain
    group by organization_id
),

consolidated as (
    select
        deepest.organization_id,
        chain.ancestor_organization_id as consolidated_organization_id,
        deepest.consolidation_depth,
        deepest.consolidation_depth > 0 as is_consolidated
    from deepest
    inner join chain
        on
            deepest.organization_id = chain.organization_id
            and deepest.consolidation_depth = chain.consolidation_depth
)

select * from consolidated
