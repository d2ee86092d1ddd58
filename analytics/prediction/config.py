"""Settings of the two early-signal models (pydantic, frozen); defaults are the pipeline's."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analytics.prediction.features import check_no_protected


class _SignalConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    C: float = Field(1.0, gt=0, description="inverse L2 regularisation strength of the logistic regression")
    test_share: float = Field(0.3, gt=0, lt=1, description="least share of labelled rows from the first origin on")
    max_origins: int = Field(4, ge=1, description="rolling origins at most (one model fitted per origin)")
    high_cutoff: float = Field(ge=0, le=1, description="probability at or above which the level is 'high'")
    medium_cutoff: float = Field(ge=0, le=1, description="probability at or above which the level is 'medium'")
    # Time-varying HRIS attributes (level group, role, pay) are left out by default: the HRIS history
    # begins with the first build, so a past snapshot would carry today's value, which leaks the future.
    categorical_features: tuple[str, ...] = ()
    max_proxy_correlation: float = Field(
        0.5, gt=0, le=1, description="a feature this correlated with a protected attribute is left out as its proxy"
    )
    bootstrap_draws: int = Field(500, ge=50, description="resamples of the held-out rows for the metrics' intervals")
    n_drivers: int = Field(3, ge=1)
    max_train_rows: int = Field(
        20_000,
        ge=100,
        description="rows a model is fitted on at most (a seeded sample beyond): a logistic "
        "regression on a few dozen features gains nothing from more, and its fitting time grows with rows",
    )

    @model_validator(mode="after")
    def _cutoffs_ordered_and_fair(self):
        if self.medium_cutoff > self.high_cutoff:
            raise ValueError(f"medium_cutoff {self.medium_cutoff} is above high_cutoff {self.high_cutoff}")
        check_no_protected(self.categorical_features)
        return self


class TopPerformerConfig(_SignalConfig):
    """Likely-top-performer model; defaults are the pipeline's."""

    feature_months: int = Field(3, ge=1, description="months of scores per anchor")
    gap_months: int = Field(0, ge=0, description="months between the feature window and the label quarter")
    top_band_rank: int = Field(3, ge=1, description="band_rank counted as top rated (3 = Strong or better)")
    min_months_observed: int = Field(2, ge=1, description="scored months needed in the window")
    early_tenure_months: float | None = Field(
        12, gt=0, description="preferred tenure at the anchor; doubled until there is enough to learn from"
    )
    min_train_rows: int = Field(200, ge=1)
    min_class_rows: int = Field(20, ge=1, description="rows of each class needed in train and in test")
    high_cutoff: float = Field(0.6, ge=0, le=1)
    medium_cutoff: float = Field(0.35, ge=0, le=1)


class AttritionConfig(_SignalConfig):
    """Regrettable-attrition model; defaults are the pipeline's."""

    horizon_months: int = Field(6, ge=1, description="label window after the snapshot")
    change_months: int = Field(3, ge=1, description="span of the score change feature")
    high_cutoff: float = Field(0.15, ge=0, le=1)
    medium_cutoff: float = Field(0.05, ge=0, le=1)
