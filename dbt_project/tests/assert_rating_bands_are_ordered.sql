-- A better band must start at a higher score, and the lowest band at 0.
select band, band_rank, min_score
from (
    select *, lag(min_score) over (order by band_rank) as lower_band_min
    from {{ ref('rating_bands') }}
) as bands
where (lower_band_min is null and min_score <> 0) or min_score <= lower_band_min
