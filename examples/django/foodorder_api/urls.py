from django.urls import path

from . import views

urlpatterns = [
    path('menu', views.menu),
    path('customers', views.customers),
    path('customers/<int:customer_id>/addresses', views.addresses),
    path('customers/<int:customer_id>/cart', views.cart),
    path('customers/<int:customer_id>/cart/<int:dish_id>', views.cart_line),
    path('customers/<int:customer_id>/orders', views.customer_orders),
    path('orders/<int:order_id>/cancel', views.cancel_order),
]
