"""Coordination task schemas."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.kit.pagination import Page
from biopark.tasks.models import TASK_CATEGORIES, TaskStatus


class TaskBase(BaseModel):
    category: str
    title: str = Field(min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    lead_department_id: int
    partner_ids: list[int] = Field(default_factory=list, max_length=21)
    start_on: date | None = None
    deadline: date

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in TASK_CATEGORIES:
            raise ValueError("类别应为：" + "、".join(TASK_CATEGORIES))
        return v

    @model_validator(mode="after")
    def _dates(self) -> TaskBase:
        if self.start_on and self.start_on > self.deadline:
            raise ValueError("开始日期不能晚于完成时限")
        return self


class TaskCreate(TaskBase):
    pass


class TaskUpdate(TaskBase):
    pass


class MilestoneCreate(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    due_on: date


class ProgressCreate(BaseModel):
    progress: int = Field(ge=0, le=100)
    content: str = Field(min_length=2, max_length=5000)


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    due_on: date
    done_on: date | None


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    department_id: int | None
    author_name: str
    reported_at: datetime
    progress: int
    content: str


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: str
    title: str
    description: str | None
    lead_department_id: int
    partner_ids: list[int]
    start_on: date | None
    deadline: date
    status: TaskStatus
    effective_status: str
    progress: int
    completed_on: date | None
    milestones: list[MilestoneRead]
    reports: list[ReportRead]


TaskPage = Page[TaskRead]
