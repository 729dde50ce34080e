select
    owner_id,
    quarter,
    accounts_at_start,
    accounts_added_during_quarter,
    book_arr_at_start_usd,
    target_book_arr_usd,
    is_within_target_size,
    is_lead_generation_paused,
    accounts_to_remove,
    accounts_to_remove_ids
from marts.tam_book_allocation_quarterly
where quarter_start_month = (select max(books.quarter_start_month) from marts.tam_book_allocation_quarterly as books)
order by owner_id
