import classes from './compliance.module.css';

/** A labelled figure of the compliance screens; `alert` draws the eye to one that needs action (its hint says why). */
export function Figure({ label, value, hint, alert = false, testId }: { label: string; value: string; hint?: string; alert?: boolean; testId: string }) {
  return (
    <div className={classes.figure} data-alert={alert} data-testid={testId}>
      <span className={classes.figureLabel}>{label}</span>
      <span className={classes.figureValue} data-testid={`${testId}-value`}>
        {value}
      </span>
      {hint && <span className={classes.figureHint}>{hint}</span>}
    </div>
  );
}
