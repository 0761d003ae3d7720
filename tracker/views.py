from django.shortcuts import render

from .models import ArmsRequest, Deployment


def home(request):
    context = {
        "request_count": ArmsRequest.objects.published().count(),
        "deployment_count": Deployment.objects.published().count(),
        "latest_requests": ArmsRequest.objects.published().select_related("requester", "supplier")[:10],
    }
    return render(request, "tracker/home.html", context)
