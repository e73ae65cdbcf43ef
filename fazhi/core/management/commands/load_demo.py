from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from fazhi.core.demo import DEMO_PASSWORD, demo_steps, load_demo


class Command(BaseCommand):
    help = "载入演示数据：开平市、威海市环翠区两个县级卫生健康局及其上级、科室、各角色人员和各模块的演示记录（可重复执行）。"

    def handle(self, *args, **options):
        accounts = load_demo()
        # Each app's `demo` module registers its step; running them after the core keeps core free of app imports.
        autodiscover_modules("demo")
        for step in demo_steps():
            self.stdout.write(f"{step.label}：{step.run()}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（每个角色一个）："))
        self.stdout.write(f"{'账号':<20}{'角色':<14}{'姓名':<8}机构")
        for a in accounts:
            self.stdout.write(f"{a.username:<22}{a.role:<12}{a.full_name:<8}{a.organisation}")
        self.stdout.write(
            f"\n初始密码均为 {DEMO_PASSWORD}（首次登录须修改；已修改的以修改后的为准）。"
        )
