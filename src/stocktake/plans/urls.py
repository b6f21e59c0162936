"""Pages of the plans app, mounted at /plans/."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.plan, name="plan"),
    path("<slug:code>/rubric/", views.rate, name="rate"),
    path("<slug:code>/publish/", views.publish_material, name="publish_material"),
    path("<slug:code>/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("<slug:code>/milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("<slug:code>/strategies/<int:pk>/", views.strategy, name="strategy"),
    path("<slug:code>/strategies/<int:pk>/profile.pdf", views.strategy_pdf, name="strategy_pdf"),
    path("<slug:code>/strategies/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:code>/strategies/new/", views.strategy_new, name="strategy_new"),
    path("<slug:code>/strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("<slug:code>/strategies/<int:pk>/impacts/", views.strategy_add, {"what": "impact"}, name="impact_add"),
    path(
        "<slug:code>/strategies/<int:pk>/milestones/", views.strategy_add, {"what": "milestone"}, name="milestone_add"
    ),
    path("<slug:code>/risks/new/", views.risk_new, name="risk_new"),
    path("<slug:code>/chains/new/", views.chain_new, name="chain_new"),
    path("<slug:code>/chains/<int:pk>/actors/", views.chain_add, {"what": "actor"}, name="actor_add"),
    path("<slug:code>/chains/<int:pk>/links/", views.chain_add, {"what": "link"}, name="link_add"),
    path("<slug:code>/chains/<int:pk>/links/<int:item>/", views.chain_change, {"what": "link"}, name="link_change"),
    path(
        "<slug:code>/chains/<int:pk>/actors/<int:item>/remove/",
        views.chain_change,
        {"what": "actor"},
        name="actor_remove",
    ),
    path("<slug:code>/toc/boxes/", views.toc_add, {"what": "node"}, name="toc_node_add"),
    path("<slug:code>/toc/arrows/", views.toc_add, {"what": "link"}, name="toc_link_add"),
    path("<slug:code>/toc/boxes/<int:item>/remove/", views.toc_remove, {"what": "node"}, name="toc_node_remove"),
    path("<slug:code>/toc/arrows/<int:item>/remove/", views.toc_remove, {"what": "link"}, name="toc_link_remove"),
]
