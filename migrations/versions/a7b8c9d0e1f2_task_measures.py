"""Human tasks name the plan measure they carry out (camunda:properties `measure`)

Revision ID: a7b8c9d0e1f2
Revises: f1c2a3b4d5e6
Create Date: 2026-12-03 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f1c2a3b4d5e6'
branch_labels = None
depends_on = None

# The tags of the shipped diagrams when measures came in, for the rows of earlier versions.
MEASURE_OF_ELEMENT = {
    'Task_rescue_rapid_search': '二(二)1',
    'Task_rescue_parents_dna': '二(二)2',
    'Task_rescue_identification': '二(二)1',
    'Task_rescue_dna_sampling': '二(二)2',
    'Task_rescue_family_tracing': '二(二)2',
    'Task_rescue_family_investigation': '二(二)1',
    'Task_rescue_child_placement': '二(二)2',
    'Task_rescue_search_review': '二(二)1',
    'Task_rescue_search_oversight': '二(二)1',
    'Task_care_placement': '二(三)1',
    'Task_aid_shelter': '二(三)2',
    'Task_aid_womens_support': '二(三)2',
    'Task_home_safety_assessment': '二(三)2',
    'Task_aid_special_file': '二(三)3',
    'Task_difficulty_civil_affairs': '二(三)3',
    'Task_difficulty_health': '二(三)3',
    'Task_difficulty_education': '二(三)3',
    'Task_difficulty_justice': '二(三)3',
    'Task_difficulty_police': '二(三)3',
    'Task_follow_up_visit': '二(三)3',
    'Task_follow_up_police_check': '二(三)3',
    'Task_legal_eligibility': '二(三)4',
    'Task_legal_representation': '二(三)4',
    'Task_care_medical': '二(三)5',
    'Task_care_psychological': '二(三)5',
    'Task_care_medical_before_travel': '二(三)5',
    'Task_care_psychological_at_home': '二(三)5',
    'Task_school_enrolment': '二(三)6',
    'Task_school_adaptation': '二(三)6',
    'Task_training_enrolment': '二(三)7',
    'Task_training_job_referral': '二(三)7',
    'Task_disability_assessment': '二(三)2',
    'Task_return_plan': '二(五)3',
    'Task_return_reunion': '二(三)2',
    'Task_return_province_handover': '二(五)3',
    'Task_return_repatriation': '二(五)2',
    'Task_closure_review': '三(一)',
}


def upgrade():
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measure', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_human_tasks_measure'), ['measure'], unique=False)
    tasks = sa.table('human_tasks', sa.column('bpmn_id'), sa.column('measure'))
    for bpmn_id, measure in MEASURE_OF_ELEMENT.items():
        op.execute(tasks.update().where(tasks.c.bpmn_id == bpmn_id).values(measure=measure))


def downgrade():
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_human_tasks_measure'))
        batch_op.drop_column('measure')
