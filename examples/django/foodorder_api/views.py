"""The JSON endpoints: check the request's shape, call store.py, answer.

The values themselves (empty order, unknown pay method, negative
quantity...) are for the extension to judge; the app only makes sure the
JSON has the right types, so a 1.5 is not silently rounded to 2.
"""
import functools
import json
import re

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import store
from .errors import ApiError, database_error


def api(*methods):
    """A JSON view answering only methods; errors become the error JSON."""
    def decorate(view):
        @csrf_exempt  # a JSON API for programs, not a form in a browser
        @functools.wraps(view)
        def run(request, **kwargs):
            try:
                if request.method not in methods:
                    raise ApiError(405, f'use {" or ".join(methods)}')
                return view(request, **kwargs)
            except DatabaseError as exc:
                return database_error(exc).response()
            except ApiError as exc:
                answer = exc.response()
                if exc.status == 405:
                    answer['Allow'] = ', '.join(methods)
                return answer
        run.methods = methods  # what the tests compare with examples/openapi.json
        return run
    return decorate


def json_body(request):
    try:
        body = json.loads(request.body or b'{}')
    except ValueError as exc:
        raise ApiError(400, f'the body is not JSON: {exc}')
    if not isinstance(body, dict):
        raise ApiError(400, 'the body must be a JSON object')
    return body


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def int_field(body, name):
    """body[name] as an int, or None when absent or null."""
    value = body.get(name)
    if value is not None and not _is_int(value):
        raise ApiError(400, f'"{name}" must be an integer')
    return value


def int_list_field(body, name):
    """body[name] as a list of ints (null elements kept), or None."""
    value = body.get(name)
    if value is not None and not (isinstance(value, list)
                                  and all(v is None or _is_int(v) for v in value)):
        raise ApiError(400, f'"{name}" must be a list of integers')
    return value


def str_field(body, name):
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f'"{name}" must be a string')
    return value


@api('GET')
def menu(request):
    restaurant = request.GET.get('restaurant', '')
    if not re.fullmatch('[0-9]+', restaurant):  # ASCII digits: str.isdigit() takes '²'
        raise ApiError(400, 'give the restaurant id: /menu?restaurant=1')
    return JsonResponse(store.menu(int(restaurant)))


@api('POST')
def customers(request):
    name = str_field(json_body(request), 'name')
    if name is None:  # add_customer is STRICT: a NULL name returns NULL, no error
        raise ApiError(400, '"name" is required')
    customer_id = store.add_customer(name)
    return JsonResponse({'customer_id': customer_id}, status=201)


@api('POST')
def addresses(request, customer_id):
    body = json_body(request)
    address_id = store.add_address(customer_id, str_field(body, 'detail'),
                                   str_field(body, 'label'))
    return JsonResponse({'address_id': address_id}, status=201)


@api('GET', 'DELETE')
def cart(request, customer_id):
    if request.method == 'DELETE':
        return JsonResponse(store.cart_clear(customer_id))
    return JsonResponse(store.cart(customer_id))


@api('PUT')
def cart_line(request, customer_id, dish_id):
    quantity = int_field(json_body(request), 'quantity')
    return JsonResponse(store.cart_set(customer_id, dish_id, quantity))


@api('GET', 'POST')
def customer_orders(request, customer_id):
    if request.method == 'GET':
        return JsonResponse(store.orders_of(customer_id))
    body = json_body(request)
    address = int_field(body, 'address')
    pay_method = str_field(body, 'pay_method')
    request_key = str_field(body, 'request_key')
    from_cart = body.get('from_cart', False)
    if not isinstance(from_cart, bool):
        raise ApiError(400, '"from_cart" must be true or false')
    if from_cart:
        placed = store.place_order_from_cart(customer_id, address, pay_method, request_key)
    else:
        placed = store.place_order(customer_id, int_list_field(body, 'dishes'),
                                   int_list_field(body, 'quantities'),
                                   address, pay_method, request_key)
    # 201 for a repeated request_key too: the client gets the same order back.
    return JsonResponse(placed, status=201)


def status_change(function):
    """POST /orders/<id>/<verb>: foodorder.<function>(order_id)."""
    @api('POST')
    def change(request, order_id):
        return JsonResponse(store.change_status(function, order_id))
    change.__name__ = change.__qualname__ = function
    return change


cancel_order = status_change('cancel_order')
# the kitchen's: the role must be staff of the order's restaurant, or 42501 (403)
accept_order = status_change('accept_order')
reject_order = status_change('reject_order')
mark_ready = status_change('mark_ready')
complete_order = status_change('complete_order')


@api('GET')
def restaurant_orders(request, restaurant_id):
    orders = store.restaurant_orders(restaurant_id)
    if orders is None:
        raise ApiError(404, f'restaurant {restaurant_id} does not exist')
    return JsonResponse({'restaurant_id': restaurant_id, 'orders': orders})


def not_found(request, exception=None):
    """handler404: a path the API does not have."""
    return ApiError(404, f'no such path: {request.path}').response()


def server_error(request):
    """handler500: an exception a view did not expect (Django logs it)."""
    return ApiError(500, 'internal error').response()
