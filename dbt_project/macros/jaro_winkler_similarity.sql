{#
  Jaro-Winkler similarity of two strings, 0 to 1 (0 when either is empty), compared character by
  character: DuckDB's jaro_winkler_similarity. PostgreSQL has none (fuzzystrmatch offers
  Levenshtein only): the same algorithm as a PL/pgSQL function, created before every run by the
  on-run-start hook create_jaro_winkler_function.
  Jaro: characters match when equal and at most max(len) / 2 - 1 apart, each used once; with m
  matches and t transpositions (matched characters out of order, halved, rounded down) it is
  (m / len1 + m / len2 + (m - t) / m) / 3. Winkler adds 0.1 x (1 - jaro) per character of common
  prefix, up to 4, when jaro is above 0.7.
#}
{% macro jaro_winkler_similarity(left, right) %}
    {{- return(adapter.dispatch('jaro_winkler_similarity', 'perfpipe')(left, right)) -}}
{% endmacro %}

{% macro default__jaro_winkler_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__jaro_winkler_similarity(left, right) -%}
    {{ target.schema }}.perfpipe_jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro create_jaro_winkler_function() %}
    {{- return(adapter.dispatch('create_jaro_winkler_function', 'perfpipe')()) -}}
{% endmacro %}

{% macro default__create_jaro_winkler_function() -%}
{%- endmacro %}

{% macro postgres__create_jaro_winkler_function() -%}
    create or replace function {{ target.schema }}.perfpipe_jaro_winkler_similarity(s1 text, s2 text)
    returns double precision language plpgsql immutable strict parallel safe as $$
    declare
        len1 integer := length(s1);
        len2 integer := length(s2);
        window_size integer := greatest(greatest(len1, len2) / 2 - 1, 0);
        taken boolean[] := array_fill(false, array[greatest(len2, 1)]);
        matched1 text[] := '{}';
        matched2 text[] := '{}';
        matches integer := 0;
        transpositions integer := 0;
        prefix integer := 0;
        jaro double precision;
        c text;
    begin
        if len1 = 0 or len2 = 0 then
            return 0.0;
        end if;
        for i in 1 .. len1 loop
            c := substr(s1, i, 1);
            for j in greatest(1, i - window_size) .. least(len2, i + window_size) loop
                if not taken[j] and substr(s2, j, 1) = c then
                    taken[j] := true;
                    matches := matches + 1;
                    matched1 := matched1 || c;
                    exit;
                end if;
            end loop;
        end loop;
        if matches = 0 then
            return 0.0;
        end if;
        for j in 1 .. len2 loop
            if taken[j] then
                matched2 := matched2 || substr(s2, j, 1);
            end if;
        end loop;
        for k in 1 .. matches loop
            if matched1[k] <> matched2[k] then
                transpositions := transpositions + 1;
            end if;
        end loop;
        jaro := (matches::double precision / len1 + matches::double precision / len2
                 + (matches - transpositions / 2)::double precision / matches) / 3;
        if jaro > 0.7 then
            while prefix < least(4, len1, len2) and substr(s1, prefix + 1, 1) = substr(s2, prefix + 1, 1) loop
                prefix := prefix + 1;
            end loop;
            jaro := jaro + prefix * 0.1 * (1 - jaro);
        end if;
        return jaro;
    end $$;
{%- endmacro %}
